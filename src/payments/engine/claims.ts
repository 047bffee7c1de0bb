// Instances that share a store (Redis) see every correlationId once through it: before a
// payment's first send, its id is claimed there; a repeat posted to another instance finds the
// claim and is dropped (it was answered 2xx: it is the same payment).
export interface IdClaims {
  /** True for the first claim of an id (within the store's memory of it), false for a repeat. */
  claim(correlationId: string): Promise<boolean>;
}
