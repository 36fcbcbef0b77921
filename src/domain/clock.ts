/** Milliseconds since the epoch; passed in so tests can pin time. */
export type Clock = () => number
export const systemClock: Clock = () => Date.now()
