// The overview page. For now it says who is signed in and what comes next
// (issue 7 and docs/console.md).
import type { Session } from './api'
import { h } from './dom'

export function renderOverview(s: Session): HTMLElement {
  const expires = new Date(s.expiresAt)
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'overview-title' },
    h('h1', { id: 'overview-title' }, 'Overview'),
    h(
      'p',
      {},
      `Signed in as ${s.name ? `${s.name} (${s.accessKeyId})` : s.accessKeyId}; the session ends at `,
      h('time', { datetime: expires.toISOString() }, expires.toLocaleString()),
      '.',
    ),
    h('p', {}, 'Available now: ', h('a', { href: '#/mqtt' }, 'the MQTT test client'), '.'),
    h('h2', {}, 'Coming next'),
    h(
      'ul',
      {},
      h('li', {}, 'Live overview: connections, messages in and out per second, lifecycle events, endpoint and CA download.'),
      h('li', {}, 'Things: search, create, delete, attributes, certificates, shadows.'),
      h('li', {}, 'Certificates: create, activate, deactivate, revoke, delete.'),
      h('li', {}, 'Policies: JSON editor, versions, attach and detach, test authorization.'),
      h('li', {}, 'Shadows: classic and named shadows, desired state, live deltas.'),
      h('li', {}, 'Rules: SQL editor, enable and disable, dry-run, counters.'),
    ),
  )
}
