// Step two: every supabase.auth call of the front end, against oxkair's /auth/v1.
import { claimsOf, client, env, expect, ok, step, totp } from './common.mjs'

const email = env('EMAIL')
const password = env('PASSWORD')
const supabase = client()

ok('verifyOtp', await supabase.auth.verifyOtp({ type: 'signup', token_hash: env('VERIFY_TOKEN') }))
step('verifyOtp')

const wrong = await supabase.auth.signInWithPassword({ email, password: 'not the password at all' })
expect(wrong.error?.code === 'invalid_credentials' && wrong.error.status === 400, 'wrong password refused')

const signedIn = ok('signInWithPassword', await supabase.auth.signInWithPassword({ email, password }))
const first = signedIn.session
expect(first.token_type === 'bearer' && first.expires_at > Date.now() / 1000, 'a session')
step('signInWithPassword', { user_id: signedIn.user.id, aal: claimsOf(first.access_token).aal })

const { user } = ok('getUser', await supabase.auth.getUser())
expect(user.id === signedIn.user.id && user.email === email && user.user_metadata.first_name === 'Ada', 'getUser')
step('getUser', { institution_id: user.user_metadata.institution_id })

const claims = ok('getClaims', await supabase.auth.getClaims())
expect(claims.claims.sub === user.id && claims.header.alg === 'ES256' && claims.header.kid, 'getClaims')
// getClaims verifies through the JWKS: a token with a changed payload fails its signature check.
const [h, , s] = first.access_token.split('.')
const forgedPayload = Buffer.from(JSON.stringify({ ...claimsOf(first.access_token), sub: crypto.randomUUID() }))
  .toString('base64url')
const forged = await supabase.auth.getClaims(`${h}.${forgedPayload}.${s}`)
expect(forged.error && /signature/i.test(forged.error.message), `forged token: ${forged.error?.message}`)
step('getClaims', { kid: claims.header.kid, forged_refused: true })

const updated = ok('updateUser data', await supabase.auth.updateUser({ data: { first_name: 'Augusta' } }))
expect(updated.user.user_metadata.first_name === 'Augusta', 'updateUser data')
const noCurrent = await supabase.auth.updateUser({ password: `${password} and more` })
expect(noCurrent.error?.code === 'current_password_required', `password without current: ${noCurrent.error?.code}`)
ok('updateUser password', await supabase.auth.updateUser({
  password: `${password} and more`, current_password: password,
}))
const newPassword = `${password} and more`
step('updateUser')

const before = (await supabase.auth.getSession()).data.session
const refreshed = ok('refreshSession', await supabase.auth.refreshSession())
expect(refreshed.session.refresh_token !== before.refresh_token, 'the refresh token rotates')
expect(refreshed.session.access_token !== before.access_token, 'a new access token')
step('refreshSession')

// Reuse, from another device: its used refresh token ends its whole session.
const thief = client()
const other = ok('second sign-in', await thief.auth.signInWithPassword({ email, password: newPassword })).session
ok('second refresh', await thief.auth.refreshSession())
const reused = await client().auth.refreshSession({ refresh_token: other.refresh_token })
expect(reused.error?.code === 'refresh_token_already_used', `reuse: ${reused.error?.code}`)
const afterReuse = await thief.auth.getUser()
expect(afterReuse.error, 'the reused session is over')
step('refreshSession reuse refused', { reuse_error: reused.error.code, ended: afterReuse.error.name })

// MFA: enrol a TOTP factor, challenge, verify: the session becomes aal2.
const factor = ok('mfa.enroll', await supabase.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'phone' }))
expect(factor.totp.qr_code.startsWith('data:image/svg+xml;utf-8,<svg'), 'the QR code is an SVG')
const challenge = ok('mfa.challenge', await supabase.auth.mfa.challenge({ factorId: factor.id }))
ok('mfa.verify', await supabase.auth.mfa.verify({
  factorId: factor.id, challengeId: challenge.id, code: totp(factor.totp.secret),
}))
let level = ok('aal', await supabase.auth.mfa.getAuthenticatorAssuranceLevel())
expect(level.currentLevel === 'aal2', `aal after enrolment: ${level.currentLevel}`)
const factors = ok('mfa.listFactors', await supabase.auth.mfa.listFactors())
expect(factors.totp.length === 1 && factors.totp[0].status === 'verified', 'one verified TOTP factor')
step('mfa enroll/challenge/verify', { aal: level.currentLevel })

// Signing in again needs the second factor: aal1 with aal2 next, then challengeAndVerify.
ok('signOut local', await supabase.auth.signOut({ scope: 'local' }))
ok('sign-in with MFA', await supabase.auth.signInWithPassword({ email, password: newPassword }))
level = ok('aal', await supabase.auth.mfa.getAuthenticatorAssuranceLevel())
expect(level.currentLevel === 'aal1' && level.nextLevel === 'aal2', `pending: ${JSON.stringify(level)}`)
ok('challengeAndVerify', await supabase.auth.mfa.challengeAndVerify({
  factorId: factor.id, code: totp(factor.totp.secret, 1),
}))
level = ok('aal', await supabase.auth.mfa.getAuthenticatorAssuranceLevel())
expect(level.currentLevel === 'aal2', 'aal2 after the second factor')
step('mfa sign-in', { aal: level.currentLevel })

const last = (await supabase.auth.getSession()).data.session
ok('signOut', await supabase.auth.signOut())
const stale = await client().auth.getUser(last.access_token)
expect(stale.error?.name === 'AuthSessionMissingError', `after signOut: ${stale.error?.name}`)
const settings = await fetch(`${env('SUPABASE_URL')}/auth/v1/settings`, { headers: { apikey: env('SUPABASE_ANON_KEY') } })
expect(settings.ok, 'settings')
step('signOut', { stale_error: stale.error.name })
