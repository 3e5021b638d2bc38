// Certificate status changes and deletion, shared by the certificates list
// and a certificate's page.
import { iot } from './api'
import { h } from './dom'
import { confirmDelete, errorSlot, seg, text } from './things-shared'

export interface CertificateSummary {
  certificateArn: string
  certificateId: string
  status: string
  certificateMode?: string
  creationDate?: number
}

// statusBadge shows a certificate status.
export function statusBadge(status: string): HTMLElement {
  const cls = status === 'ACTIVE' ? 'hob-badge ok' : status === 'REVOKED' ? 'hob-badge bad' : 'hob-badge'
  return h('span', { class: cls }, status)
}

// short is a certificate id's first 12 digits, enough to tell them apart.
export function short(id: string): string {
  return id.length > 12 ? `${id.slice(0, 12)}…` : id
}

const changes: [status: string, label: string][] = [
  ['ACTIVE', 'Activate'],
  ['INACTIVE', 'Deactivate'],
  ['REVOKED', 'Revoke'],
]

// certificateActions are the buttons to change c's status (UpdateCertificate)
// and to delete it; changed runs after a change, deleted after a delete.
// A refusal is shown beside the buttons and nothing changes.
export function certificateActions(
  c: CertificateSummary,
  changed: (status: string) => Promise<void> | void,
  deleted: () => Promise<void> | void,
): HTMLElement {
  const box = h('div', { class: 'hob-actions' })
  const slot = errorSlot()
  const who = `certificate ${short(c.certificateId)}`
  for (const [status, label] of changes) {
    // A revoked certificate stays revoked (AWS refuses any change).
    if (status === c.status || c.status === 'REVOKED') continue
    const b = h('button', { type: 'button', class: 'small', 'aria-label': `${label} ${who}` }, label)
    b.setAttribute('aria-describedby', slot.el.id)
    b.addEventListener('click', async () => {
      slot.show(null)
      b.disabled = true
      try {
        await iot('PUT', `/certificates/${seg(c.certificateId)}?newStatus=${status}`)
        await changed(status)
      } catch (e) {
        slot.show(text(e))
        b.disabled = false
      }
    })
    box.append(b)
  }
  box.append(
    confirmDelete(who, async () => {
      await iot('DELETE', `/certificates/${seg(c.certificateId)}`)
      await deleted()
    }),
    slot.el,
  )
  return box
}
