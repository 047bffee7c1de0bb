// correlationIds are UUIDs in any case; both the backend and the simulator store them lower-case
// (the official processor compares GUIDs case-insensitively).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: unknown): text is string {
  return typeof text === 'string' && UUID.test(text);
}
