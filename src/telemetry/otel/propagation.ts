import { createTraceState, isSpanContextValid, trace, TraceFlags, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';
import type { RemotingCommand } from '../../protocol/command.js';

/**
 * The request's ext fields as a propagation carrier: trace context travels as the ext fields
 * `traceparent` and `tracestate` (W3C Trace Context). Java peers ignore ext fields they do not
 * know, so the request stays valid for them.
 */
export const extFieldSetter: TextMapSetter<RemotingCommand> = {
  set(request, key, value) {
    request.setExt(key, value);
  },
};

export const extFieldGetter: TextMapGetter<RemotingCommand> = {
  keys(request) {
    return request.extFields === null ? [] : [...request.extFields.keys()];
  },
  get(request, key) {
    return request.getExt(key);
  },
};

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const TRACEPARENT_PATTERN = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/), used when no global propagator is
 * registered, so traces cross processes with nothing set up beyond a tracer provider.
 */
export class W3CTraceContext implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (spanContext === undefined || !isSpanContextValid(spanContext)) return;
    const flags = (spanContext.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
    setter.set(carrier, TRACEPARENT, `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`);
    const state = spanContext.traceState?.serialize();
    if (state) setter.set(carrier, TRACESTATE, state);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = first(getter.get(carrier, TRACEPARENT));
    if (header === undefined) return context;
    const match = TRACEPARENT_PATTERN.exec(header.trim());
    if (match === null) return context;
    const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
    // Version ff is invalid; version 00 has nothing after the flags (later versions may).
    if (version === 'ff' || (version === '00' && rest !== undefined)) return context;
    const spanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true, traceState: undefined as ReturnType<typeof createTraceState> | undefined };
    if (!isSpanContextValid(spanContext)) return context;
    const state = first(getter.get(carrier, TRACESTATE));
    if (state !== undefined) spanContext.traceState = createTraceState(state);
    return trace.setSpanContext(context, spanContext);
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
