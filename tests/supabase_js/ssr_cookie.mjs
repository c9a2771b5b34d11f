// @supabase/ssr as a Next.js server would use it: the session lives in cookies whose name is
// pinned (docs/supabase-compat.md, checklist item 3), and the next request finds it there.
import { createServerClient } from '@supabase/ssr'
import WebSocket from 'ws'
import { env, expect, ok, step } from './common.mjs'

const NAME = 'sb-oxkair-auth-token'
const jar = new Map() // the browser's cookies between requests

const serverClient = (cookieOptions) =>
  createServerClient(env('SUPABASE_URL'), env('SUPABASE_ANON_KEY'), {
    cookieOptions,
    cookies: {
      getAll: () => [...jar].map(([name, value]) => ({ name, value })),
      setAll: (cookies) => {
        for (const { name, value } of cookies) value ? jar.set(name, value) : jar.delete(name)
      },
    },
    realtime: { transport: WebSocket },
  })

// Request 1: the sign-in form's server action.
const signIn = serverClient({ name: NAME })
ok('signInWithPassword', await signIn.auth.signInWithPassword({ email: env('EMAIL'), password: env('PASSWORD') }))
const names = [...jar.keys()]
expect(names.length > 0 && names.every((n) => n === NAME || n.startsWith(`${NAME}.`)), `cookies: ${names}`)

// Request 2: a page's server component reads the session from the cookie and asks /auth/v1.
const { user } = ok('getUser', await serverClient({ name: NAME }).auth.getUser())
expect(user?.email === env('EMAIL'), 'the pinned cookie carries the session')

// Without the pinned name the client looks for sb-<first label of the host>-auth-token.
const unpinned = await serverClient(undefined).auth.getUser()
expect(unpinned.error && !unpinned.data.user, 'an unpinned client does not find the session')
step('ssr cookie', { cookies: names, unpinned_error: unpinned.error.name })
