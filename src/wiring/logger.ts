import type { Logger } from '../services/deps'

/** Structured JSON logs, one line per event, each carrying the request id. */
export function jsonLogger(requestId: string): Logger {
  const emit = (level: string, event: string, fields?: Record<string, unknown>) =>
    console.log(JSON.stringify({ level, event, request_id: requestId, ...fields }))
  return {
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
  }
}
