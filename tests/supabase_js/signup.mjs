// Step one of a day: signUp with the profile in options.data (the email link comes next).
import { client, env, expect, ok, step } from './common.mjs'

const supabase = client()
const data = ok('signUp', await supabase.auth.signUp({
  email: env('EMAIL'),
  password: env('PASSWORD'),
  options: {
    data: {
      first_name: 'Ada', last_name: 'Lovelace', user_category: env('USER_CATEGORY'),
      institution_id: env('INSTITUTION_ID'), npi: '1234567890',
    },
  },
}))
expect(data.session === null && data.user?.email === env('EMAIL'), 'signUp: a user, no session until verified')
const early = await supabase.auth.signInWithPassword({ email: env('EMAIL'), password: env('PASSWORD') })
expect(early.error?.code === 'email_not_confirmed', `sign-in before verification: ${early.error?.code}`)
step('signUp', { email_not_confirmed: true })
