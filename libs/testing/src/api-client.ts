/* eslint-disable @typescript-eslint/no-explicit-any -- a response body is whatever the API sent; specs assert on its shape. */
import { serviceForPath, type ServiceName } from '@bankshop/contracts';
import request from 'supertest';

export interface ApiCall {
  token?: string;
  body?: unknown;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string>;
  text: string;
}

/**
 * The public API as a client sees it, for end-to-end specs. The same spec runs against the
 * services directly (each path sent to the service that owns it, per the gateway's route table)
 * or through the gateway, which is the point: the gateway must not change any answer.
 */
export class ApiClient {
  private constructor(private readonly baseUrlFor: (path: string) => string) {}

  /** Calls each service directly; `urls` names the services the spec started. */
  static direct(urls: Partial<Record<ServiceName, string>>): ApiClient {
    return new ApiClient((path) => {
      const service = serviceForPath(path);
      const url = service && urls[service];
      if (!url) throw new Error(`no service started for ${path}`);
      return url;
    });
  }

  static gateway(url: string): ApiClient {
    return new ApiClient(() => url);
  }

  get<T = any>(path: string, call: ApiCall = {}): Promise<ApiResponse<T>> {
    return this.call('GET', path, call);
  }

  post<T = any>(path: string, call: ApiCall = {}): Promise<ApiResponse<T>> {
    return this.call('POST', path, call);
  }

  put<T = any>(path: string, call: ApiCall = {}): Promise<ApiResponse<T>> {
    return this.call('PUT', path, call);
  }

  patch<T = any>(path: string, call: ApiCall = {}): Promise<ApiResponse<T>> {
    return this.call('PATCH', path, call);
  }

  delete<T = any>(path: string, call: ApiCall = {}): Promise<ApiResponse<T>> {
    return this.call('DELETE', path, call);
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, call: ApiCall): Promise<ApiResponse<T>> {
    const agent = request(this.baseUrlFor(path));
    let pending = agent[method.toLowerCase() as 'get'](path);
    if (call.token) pending = pending.set('Authorization', `Bearer ${call.token}`);
    if (call.idempotencyKey !== undefined) pending = pending.set('Idempotency-Key', call.idempotencyKey);
    for (const [name, value] of Object.entries(call.headers ?? {})) pending = pending.set(name, value);
    const response = call.body === undefined ? await pending : await pending.send(call.body as object);
    return {
      status: response.status,
      body: response.body as T,
      headers: response.headers as Record<string, string>,
      text: response.text,
    };
  }
}
