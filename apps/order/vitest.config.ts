import { projectConfig } from '../../vitest.shared.ts';

// Each end-to-end file starts the whole shop; two at once would only slow both down.
export default projectConfig({ fileParallelism: false });
