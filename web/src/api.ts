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

// sessionLostHandler is told when a call with a session answers 401: the
// session expired or was signed out elsewhere. main.ts sets it.
let sessionLostHandler: (message: string) => void = () => {}

export function onSessionLost(f: (message: string) => void): void {
  sessionLostHandler = f
}

async function call<T>(method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<T> {
  const headers: Record<string, string> = { ...extra, Accept: 'application/json' }
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
    if (res.status === 401 && path !== '/console/session') sessionLostHandler(msg)
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

// iot calls hob's control-plane API (the paths of AWS IoT's REST API, e.g.
// '/things?maxResults=25') through the console's signing proxy. headers
// carries parameters AWS sends as headers (x-amzn-principal, ...), which
// the proxy forwards.
export function iot<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  return call<T>(method, '/console/api/iot' + path, body, headers)
}

// iotdata calls hob's data-plane API (shadows, publish: e.g.
// '/things/elf/shadow?name=cfg') through the console's signing proxy.
export function iotdata<T>(method: string, path: string, body?: unknown): Promise<T> {
  return call<T>(method, '/console/api/iotdata' + path, body)
}

// Overview is GET /console/overview: live broker figures and the newest
// lifecycle events (each as published on $aws/events/..., newest first).
export interface Overview {
  time: string
  connections: number
  messagesIn: number
  messagesOut: number
  mqttPort?: number // MQTT over TLS, when hob knows it
  events: { topic: string; payload: unknown }[]
}

export function overview(): Promise<Overview> {
  return call<Overview>('GET', '/console/overview')
}

// RuleCounters are one rule's counters since hob started.
export interface RuleCounters {
  ruleName: string
  matched: number
  fired: number
  evalErrors: number
  dropped: number
  actionsSucceeded: number
  actionsFailed: number
  errorActionsSucceeded: number
  errorActionsFailed: number
}

export async function ruleCounters(): Promise<RuleCounters[]> {
  return (await call<{ rules: RuleCounters[] }>('GET', '/console/rule-counters')).rules
}

// caURL downloads hob's CA certificate (PEM), the trust anchor devices
// use in place of AmazonRootCA1.
export const caURL = '/console/ca.pem'
