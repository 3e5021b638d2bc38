// The console's shell: the session, the header and hash routes
// (#/PAGE or #/PAGE/PARAM..., e.g. #/things/elf). hob serves index.html at
// / only, so routes live in the fragment.
import { currentSession, onSessionLost, signOut, type Session } from './api'
import { h } from './dom'
import { renderSignIn } from './signin'
import { renderOverview } from './overview'
import { MQTTClientPage } from './mqttclient'
import { renderThings } from './things'
import { renderCertificates } from './certificates'
import { renderPolicies } from './policies'
import { renderShadows } from './shadows'
import { renderRules } from './rules'

const main = document.getElementById('main') as HTMLElement
const nav = document.getElementById('nav') as HTMLElement
const who = document.getElementById('who') as HTMLElement
const whoName = document.getElementById('who-name') as HTMLElement
const signOutButton = document.getElementById('sign-out') as HTMLButtonElement

let session: Session | null = null
// The MQTT page keeps its connection and log while the user visits other
// pages; it is dropped at sign-out.
let mqttPage: MQTTClientPage | null = null

// A page renders itself from the route's parameters (the decoded path
// segments after #/PAGE). A page that polls or holds a connection stops
// when its element leaves the document (see dom.ts whileShown).
interface Route {
  title: string
  render: (params: string[]) => HTMLElement
}

const routes: Record<string, Route> = {
  overview: { title: 'Overview', render: () => renderOverview(session!) },
  things: { title: 'Things', render: renderThings },
  certificates: { title: 'Certificates', render: renderCertificates },
  policies: { title: 'Policies', render: renderPolicies },
  shadows: { title: 'Shadows', render: renderShadows },
  rules: { title: 'Rules', render: renderRules },
  mqtt: {
    title: 'MQTT test client',
    render: () => (mqttPage ??= new MQTTClientPage(sessionLost)).element,
  },
}

// parseHash splits #/PAGE/A/B into the route and its decoded parameters.
function parseHash(hash: string): { route: Route | undefined; name: string; params: string[] } {
  const parts = hash.replace(/^#\/?/, '').split('/')
  const name = parts[0] ?? ''
  const params = parts.slice(1).map((p) => {
    try {
      return decodeURIComponent(p)
    } catch {
      return p
    }
  })
  return { route: Object.hasOwn(routes, name) ? routes[name] : undefined, name, params }
}

function show(el: HTMLElement, title: string): void {
  main.replaceChildren(el)
  document.title = `${title} · hob console`
  const page = parseHash(location.hash).name
  for (const a of nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === `#/${page}`) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
  main.focus()
}

function route(): void {
  if (!session) {
    signedOut(null)
    return
  }
  const { route: r, params } = parseHash(location.hash)
  if (!r) {
    location.replace('#/overview')
    return // hashchange renders it
  }
  show(r.render(params), r.title)
}

function signedIn(s: Session): void {
  session = s
  nav.hidden = false
  who.hidden = false
  whoName.textContent = s.name ? `${s.name} (${s.accessKeyId})` : s.accessKeyId
  if (!parseHash(location.hash).route) location.replace('#/overview')
  route()
}

function signedOut(message: string | null): void {
  session = null
  mqttPage?.close()
  mqttPage = null
  nav.hidden = true
  who.hidden = true
  whoName.textContent = ''
  show(renderSignIn(signedIn, message), 'Sign in')
}

// sessionLost is called when the server answers 401: the session expired
// or was signed out elsewhere.
function sessionLost(message: string): void {
  signedOut(message)
}

signOutButton.addEventListener('click', async () => {
  signOutButton.disabled = true
  try {
    await signOut()
  } catch {
    // Signed out locally either way; the server forgets the session when
    // it expires.
  } finally {
    signOutButton.disabled = false
  }
  signedOut(null)
})

window.addEventListener('hashchange', route)
onSessionLost(sessionLost)

async function start(): Promise<void> {
  try {
    const s = await currentSession()
    if (s) signedIn(s)
    else signedOut(null)
  } catch (e) {
    main.replaceChildren(
      h('h1', {}, 'hob console'),
      h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e)),
    )
  }
}

void start()
