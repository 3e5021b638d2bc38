// The console's backend (docs/console.md): sessions, the signing proxy and
// presigned MQTT URLs. The CSRF token lives in memory only; on reload it is
// fetched again with GET /console/session.

export interface Session {
  accessKeyId: string
  name?: string
  expiresAt: string
  csrfToken: string
}

export interface MQTTURL {
  url: string
  clientId: string
  expiresAt: string
}

// ApiError carries the server's message and AWS error type.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message)
  }
}

let csrfToken = ''

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-Hob-CSRF'] = csrfToken
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    })
  } catch {
    throw new ApiError(0, 'NetworkError', 'hob could not be reached.')
  }
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!res.ok) {
    const type = res.headers.get('x-amzn-ErrorType') ?? ''
    const msg =
      data && typeof data === 'object' && 'message' in data && typeof data.message === 'string'
        ? data.message
        : `${res.status} ${res.statusText}`.trim()
    throw new ApiError(res.status, type, msg)
  }
  return data as T
}

function remember(s: Session): Session {
  csrfToken = s.csrfToken
  return s
}

export async function signIn(accessKeyId: string, secretAccessKey: string): Promise<Session> {
  return remember(await call<Session>('POST', '/console/session', { accessKeyId, secretAccessKey }))
}

// currentSession answers the signed-in session, or null when there is none.
export async function currentSession(): Promise<Session | null> {
  try {
    return remember(await call<Session>('GET', '/console/session'))
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null
    throw e
  }
}

export async function signOut(): Promise<void> {
  try {
    await call<void>('DELETE', '/console/session')
  } finally {
    csrfToken = ''
  }
}

export function mqttURL(): Promise<MQTTURL> {
  return call<MQTTURL>('POST', '/console/mqtt-url')
}
