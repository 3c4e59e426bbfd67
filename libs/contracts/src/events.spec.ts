import { describe, expect, it } from 'vitest';
import { EVENT_TOPICS, InvalidEventError, parseEnvelope, topicOf } from './events.ts';
import { TOPICS } from './topics.ts';

const validEnvelope = () => ({
  eventId: '0b9f4a0e-8d7c-4a57-9a53-2f1f0f5e7c11',
  type: 'audit.recorded.v1',
  aggregateId: 'a6f0c2b4-5f1e-4a8e-9c1d-3b2a1f0e9d8c',
  occurredAt: '2025-01-01T12:00:00.000Z',
  payload: { action: 'account.opened' },
});

function rejectionOf(value: unknown): InvalidEventError {
  try {
    parseEnvelope(value);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected parseEnvelope to reject the value');
}

describe('parseEnvelope', () => {
  it('accepts a well-formed envelope and returns it unchanged', () => {
    const envelope = validEnvelope();

    expect(parseEnvelope(envelope)).toEqual(envelope);
  });

  it('accepts any payload, including null, because payload schemas belong to each event', () => {
    const envelope = { ...validEnvelope(), payload: null };

    expect(parseEnvelope(envelope).payload).toBeNull();
  });

  it('ignores extra fields it does not know, so producers can add metadata compatibly', () => {
    const envelope = { ...validEnvelope(), traceparent: '00-abc-def-01' };

    expect(parseEnvelope(envelope)).toMatchObject(validEnvelope());
  });

  it.each([
    { what: 'null', value: null },
    { what: 'undefined', value: undefined },
    { what: 'a string', value: '{"eventId":"x"}' },
    { what: 'a number', value: 42 },
  ])('rejects $what as not a JSON object', ({ value }) => {
    const error = rejectionOf(value);

    expect(error.name).toBe('InvalidEventError');
    expect(error.message).toBe('event is not a JSON object');
  });

  it('rejects an array, which has none of the envelope fields', () => {
    expect(() => parseEnvelope([validEnvelope()])).toThrow(InvalidEventError);
  });

  it.each(['eventId', 'type', 'aggregateId', 'occurredAt'] as const)('rejects an envelope without %s, naming it', (key) => {
    const envelope: Record<string, unknown> = validEnvelope();
    delete envelope[key];

    expect(rejectionOf(envelope).message).toBe(`event field "${key}" must be a non-empty string`);
  });

  it.each(['eventId', 'type', 'aggregateId', 'occurredAt'] as const)('rejects an empty %s', (key) => {
    const envelope = { ...validEnvelope(), [key]: '' };

    expect(rejectionOf(envelope).message).toContain(`"${key}"`);
  });

  it.each(['eventId', 'type', 'aggregateId', 'occurredAt'] as const)('rejects a %s that is not a string', (key) => {
    const envelope = { ...validEnvelope(), [key]: 123 };

    expect(rejectionOf(envelope).message).toContain(`"${key}"`);
  });

  it('rejects an envelope without a payload', () => {
    const { payload: _payload, ...envelope } = validEnvelope();

    expect(rejectionOf(envelope).message).toBe('event field "payload" is missing');
  });
});

describe('topicOf', () => {
  it('publishes audit events on the audit topic', () => {
    expect(topicOf('audit.recorded.v1')).toBe('audit.events');
  });

  it('maps every event type to a declared Kafka topic', () => {
    for (const type of Object.keys(EVENT_TOPICS) as (keyof typeof EVENT_TOPICS)[]) {
      expect(TOPICS).toContain(topicOf(type));
    }
  });

  it('versions every event type with a .vN suffix', () => {
    for (const type of Object.keys(EVENT_TOPICS)) {
      expect(type).toMatch(/^[a-z]+(\.[a-z_]+)*\.v\d+$/);
    }
  });
});
