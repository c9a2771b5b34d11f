// updateUser({ email }) asks; with CONFIRM_TOKEN set, verifyOtp({ type: 'email_change' }) confirms
// it and the account signs in with its new address only.
import { client, env, expect, ok, step } from './common.mjs'

const supabase = client()
if (!process.env.CONFIRM_TOKEN) {
  ok('signIn', await supabase.auth.signInWithPassword({ email: env('EMAIL'), password: env('PASSWORD') }))
  const { user } = ok('updateUser email', await supabase.auth.updateUser({ email: env('NEW_EMAIL') }))
  expect(user.email === env('EMAIL') && user.new_email === env('NEW_EMAIL'), 'pending until confirmed')
  step('updateUser email', { new_email: user.new_email })
} else {
  ok('verifyOtp email_change', await supabase.auth.verifyOtp({ type: 'email_change', token_hash: env('CONFIRM_TOKEN') }))
  const old = await supabase.auth.signInWithPassword({ email: env('EMAIL'), password: env('PASSWORD') })
  expect(old.error?.code === 'invalid_credentials', `the old address: ${old.error?.code}`)
  const { user } = ok('signIn new', await supabase.auth.signInWithPassword({ email: env('NEW_EMAIL'), password: env('PASSWORD') }))
  expect(user.email === env('NEW_EMAIL'), 'signed in with the new address')
  step('email_change confirmed', { email: user.email })
}
