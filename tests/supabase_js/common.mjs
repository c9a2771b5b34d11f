// Shared by the scenario scripts: a supabase-js client as the front end makes it, a TOTP code
// generator (RFC 6238, what an authenticator app computes) and a step recorder.
import { createHmac } from 'node:crypto'
import { createClient } from '@supabase/supabase-js'
import WebSocket from 'ws'

export const env = (name) => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

// Node 20 has no WebSocket: realtime-js needs `ws` as its transport (never connected here).
export const client = () =>
  createClient(env('SUPABASE_URL'), env('SUPABASE_ANON_KEY'), {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket },
  })

const base32 = (text) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of text.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  const bytes = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes)
}

export const totp = (secret, offsetSteps = 0) => {
  const counter = Math.floor(Date.now() / 1000 / 30) + offsetSteps
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const digest = createHmac('sha1', base32(secret)).update(message).digest()
  const offset = digest[digest.length - 1] & 0xf
  const value = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000
  return String(value).padStart(6, '0')
}

export const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())

// Each step: its name and what the test checks, one JSON line on stdout; a failed expectation
// ends the script with exit code 1 and the step's name on stderr.
export const step = (name, facts = {}) => console.log(JSON.stringify({ step: name, ...facts }))

export const expect = (condition, message) => {
  if (!condition) {
    console.error(`FAILED: ${message}`)
    process.exit(1)
  }
}

export const ok = (name, result) => {
  expect(!result.error, `${name}: ${result.error?.code ?? ''} ${result.error?.message ?? ''}`)
  return result.data
}
