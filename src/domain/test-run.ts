import { z } from 'zod'
import { SignInFailureReasonSchema } from './sign-in-attempt'

/**
 * A test run (Clerk's enterprise connection test runs): an SP-initiated sign-in an admin starts on
 * purpose to debug a connection's IdP. It runs the sign-in pipeline, keeps every check's outcome in
 * words an IdP admin understands, and ends on saml-edge's result page: no code reaches the app.
 */

/** A run not finished this long after it was created reads as failed ("expired"). */
export const TEST_RUN_TTL_MS = 15 * 60 * 1000

export const TEST_RUN_STATUSES = ['pending', 'success', 'failed'] as const
export type TestRunStatus = (typeof TEST_RUN_STATUSES)[number]

export const TestRunLogSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  code: z.string(),
  short_message: z.string(),
  message: z.string(),
})
export type TestRunLog = z.infer<typeof TestRunLogSchema>

/** What the verified assertion said about the user, in the fields Clerk's spec names. */
export const TestRunUserInfoSchema = z.object({
  email_address: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  user_id: z.string().optional(),
})
export type TestRunUserInfo = z.infer<typeof TestRunUserInfoSchema>

export const TestRunSchema = z.object({
  id: z.string(),
  instanceId: z.string(),
  connectionId: z.string(),
  status: z.enum(TEST_RUN_STATUSES),
  /** Why it failed, from the sign-in attempts' closed list; null while pending, on success, or expired. */
  reason: SignInFailureReasonSchema.nullable(),
  /** SHA-256 hex of the start URL's token: the URL is the only credential the browser holds. */
  tokenHash: z.string(),
  userInfo: TestRunUserInfoSchema.nullable(),
  logs: z.array(TestRunLogSchema),
  /** The AuthnRequest XML the last start sent, and its RelayState. */
  samlRequest: z.string().nullable(),
  relayState: z.string().nullable(),
  /** The decoded SAMLResponse XML the IdP posted (cut to the attempts' bound). */
  samlResponse: z.string().nullable(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
})
export type TestRun = z.infer<typeof TestRunSchema>

export const TEST_RUN_EXPIRED_LOG: TestRunLog = {
  level: 'error',
  code: 'test_run_expired',
  short_message: 'The test run expired',
  message: `No SAML response reached saml-edge within ${TEST_RUN_TTL_MS / 60_000} minutes of the test run's creation. Start a new test run and finish the sign-in at the IdP in time; if the IdP did answer, check that its ACS URL is saml-edge's.`,
}

/** The run as it reads at `now`: a pending run past its lifetime has failed, saying so. */
export function runAsOf(run: TestRun, now: number): TestRun {
  if (run.status !== 'pending' || now < run.expiresAt) return run
  return { ...run, status: 'failed', logs: [...run.logs, TEST_RUN_EXPIRED_LOG] }
}
