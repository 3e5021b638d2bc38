// The console's shell: the session, the header and hash routes
// (#/overview, #/mqtt). hob serves index.html at / only, so routes live in
// the fragment.
import { currentSession, signOut, type Session } from './api'
import { h } from './dom'
import { renderSignIn } from './signin'
import { renderOverview } from './overview'
import { MQTTClientPage } from './mqttclient'

const main = document.getElementById('main') as HTMLElement
const nav = document.getElementById('nav') as HTMLElement
const who = document.getElementById('who') as HTMLElement
const whoName = document.getElementById('who-name') as HTMLElement
const signOutButton = document.getElementById('sign-out') as HTMLButtonElement

let session: Session | null = null
// The MQTT page keeps its connection and log while the user visits other
// pages; it is dropped at sign-out.
let mqttPage: MQTTClientPage | null = null

const routes: Record<string, { title: string; render: () => HTMLElement }> = {
  '#/overview': { title: 'Overview', render: () => renderOverview(session!) },
  '#/mqtt': {
    title: 'MQTT test client',
    render: () => (mqttPage ??= new MQTTClientPage(sessionLost)).element,
  },
}

function show(el: HTMLElement, title: string): void {
  main.replaceChildren(el)
  document.title = `${title} · hob console`
  for (const a of nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === location.hash) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
  main.focus()
}

function route(): void {
  if (!session) {
    signedOut(null)
    return
  }
  const r = routes[location.hash]
  if (!r) {
    location.replace('#/overview')
    return // hashchange renders it
  }
  show(r.render(), r.title)
}

function signedIn(s: Session): void {
  session = s
  nav.hidden = false
  who.hidden = false
  whoName.textContent = s.name ? `${s.name} (${s.accessKeyId})` : s.accessKeyId
  if (!routes[location.hash]) location.replace('#/overview')
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
