// A coder's and a provider's day of supabase.from()/rpc() calls against oxkair's /rest/v1,
// signed in through /auth/v1; then the other institution's coder, a refresh and a sign-out.
import { client, env, expect, ok, step } from './common.mjs'

const password = env('PASSWORD')
const mrn = env('MRN')
const institution = env('INSTITUTION_NAME')
const providerId = env('PROVIDER_ID')

const coder = client()
const signedIn = ok('coder signIn', await coder.auth.signInWithPassword({ email: env('CODER_EMAIL'), password }))
step('coder signIn', { user_id: signedIn.user.id })

const [created] = ok('insert', await coder.from('medical_notes')
  .insert({ mrn, operative_notes: 'Laparoscopic appendectomy.' }).select())
expect(created.mrn === mrn && created.status === 'INCOMPLETE', 'insert returns the row')
step('insert', { id: created.id, status: created.status, user_id: created.user_id })

const listed = await coder.from('medical_notes')
  .select('id, mrn, status, institutions(name)', { count: 'exact' })
  .eq('mrn', mrn).order('created_at', { ascending: false }).range(0, 9)
ok('select', listed)
expect(listed.count === 1 && listed.data.length === 1, `count ${listed.count}`)
expect(listed.data[0].institutions.name === institution, 'the institution embedded')
step('select', { count: listed.count, ids: listed.data.map((r) => r.id), institution: listed.data[0].institutions.name })

const single = ok('single', await coder.from('medical_notes').select('id, mrn').eq('id', created.id).single())
expect(single.id === created.id, 'single is an object')
const none = await coder.from('medical_notes').select('id').eq('mrn', `${mrn}-none`).maybeSingle()
expect(!none.error && none.data === null, 'maybeSingle on none is null')
step('single', { id: single.id, maybe_none: none.data })

const [edited] = ok('update', await coder.from('medical_notes')
  .update({ insurance_provider: 'Aetna' }).eq('id', created.id).select())
expect(edited.insurance_provider === 'Aetna', 'update returns the row')
step('update', { insurance_provider: edited.insurance_provider })

const [settings] = ok('upsert', await coder.from('user_settings')
  .upsert({ id: signedIn.user.id, theme: 'dark' }, { onConflict: 'id' }).select())
expect(settings.theme === 'dark', 'upsert of one\'s settings')
step('upsert', { theme: settings.theme })

const found = ok('search_institutions', await coder.rpc('search_institutions', { q: institution, max_results: 5 }))
step('search_institutions', { names: found.map((r) => r.name) })
const providers = ok('institution_providers', await coder.rpc('institution_providers'))
step('institution_providers', { ids: providers.map((r) => r.id) })

ok('to coder review', await coder.from('medical_notes').update({ status: 'PENDING_CODER_REVIEW' }).eq('id', created.id))
const [sent] = ok('to provider review', await coder.from('medical_notes')
  .update({ status: 'PENDING_PROVIDER_REVIEW', provider_user_id: providerId }).eq('id', created.id).select('status, provider_user_id'))
step('to provider review', sent)

const provider = client()
ok('provider signIn', await provider.auth.signInWithPassword({ email: env('PROVIDER_EMAIL'), password }))
const seen = ok('provider reads', await provider.from('medical_notes').select('id, mrn, status').eq('id', created.id).single())
const [approved] = ok('approve', await provider.from('medical_notes')
  .update({ status: 'PENDING_BILLING' }).eq('id', created.id).select('status'))
step('provider approves', { read: seen.id, mrn_seen: seen.mrn === mrn, status: approved.status })

const intruder = client()
const other = ok('other signIn', await intruder.auth.signInWithPassword({ email: env('OTHER_CODER_EMAIL'), password }))
const theirs = await intruder.from('medical_notes').select('id', { count: 'exact' }).eq('id', created.id)
ok('other select', theirs)
const tampered = ok('other update', await intruder.from('medical_notes')
  .update({ insurance_provider: 'tampered' }).eq('id', created.id).select())
step('other institution', { user_id: other.user.id, count: theirs.count, rows: theirs.data.length, updated: tampered.length })

const before = (await coder.auth.getSession()).data.session
const refreshed = ok('refreshSession', await coder.auth.refreshSession())
expect(refreshed.session.refresh_token !== before.refresh_token, 'the refresh token rotates')
const again = await client().auth.refreshSession({ refresh_token: before.refresh_token })
expect(again.error, 'the old refresh token is refused')
step('refreshSession', { old_refused: again.error.code ?? again.error.message })

ok('signOut', await provider.auth.signOut({ scope: 'local' }))
const afterOut = await provider.from('medical_notes').select('id').eq('id', created.id)
expect(afterOut.data === null || afterOut.data.length === 0, 'anon sees nothing')
step('signOut then anon', { rows: afterOut.data?.length ?? 0, status: afterOut.status, code: afterOut.error?.code ?? null })
