import { z } from 'zod'

/** What the SP remembers between sending an AuthnRequest and receiving the response. */
export const LoginRequestSchema = z.object({
  v: z.literal(1),
  connectionId: z.string(),
  requestId: z.string(),
  redirectUri: z.string(),
  state: z.string().nullable(),
  /** The ACS URL the AuthnRequest named: Recipient and Destination must equal it. */
  acsUrl: z.string(),
  expiresAt: z.number(),
  /** Set when the login is an admin's test run: the response ends that run, and signs nobody in. */
  testRunId: z.string().optional(),
})
export type LoginRequest = z.infer<typeof LoginRequestSchema>

/** A finished sign-in waiting for its one-time code (or legacy access token) to be redeemed. */
export const PendingCodeSchema = z.object({
  v: z.literal(1),
  connectionId: z.string(),
  instanceId: z.string(),
  redirectUri: z.string(),
  profile: z.record(z.string(), z.unknown()),
  expiresAt: z.number(),
})
export type PendingCode = z.infer<typeof PendingCodeSchema>
