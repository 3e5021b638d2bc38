// The overview's live chart: messages in and out per second over the last
// two minutes, drawn as SVG polylines (no chart library).

const svgNS = 'http://www.w3.org/2000/svg'

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string> = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS(svgNS, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
  return el
}

// RatePoint is one computed rate: messages per second at time t (ms).
export interface RatePoint {
  t: number
  in: number
  out: number
}

// The chart keeps at most maxPoints points and shows windowMs of time.
export const maxPoints = 60
const windowMs = 120_000

// Drawing area, in viewBox units.
const W = 640
const H = 180
const left = 48
const right = 8
const top = 10
const bottom = 22

// niceMax rounds v up to 1, 2 or 5 times a power of ten, so the axis
// labels are round numbers.
function niceMax(v: number): number {
  if (v <= 1) return 1
  const p = 10 ** Math.floor(Math.log10(v))
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p
  return 10 * p
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : String(Number(v.toFixed(v >= 10 ? 1 : 2)))
}

export class RateChart {
  readonly element: SVGSVGElement
  private grid = svg('g', { class: 'ov-grid' })
  private lineIn = svg('polyline', { class: 'ov-line-in', fill: 'none' })
  private lineOut = svg('polyline', { class: 'ov-line-out', fill: 'none' })
  private desc = svg('desc', { id: 'ov-chart-desc' })

  constructor() {
    this.element = svg('svg', {
      viewBox: `0 0 ${W} ${H}`,
      class: 'ov-chart',
      role: 'img',
      'aria-labelledby': 'ov-chart-title',
      'aria-describedby': 'ov-chart-desc',
      preserveAspectRatio: 'none',
    })
    const title = svg('title', { id: 'ov-chart-title' })
    title.textContent = 'Messages per second, last two minutes'
    this.desc.textContent = 'No figures yet.'
    this.element.append(title, this.desc, this.grid, this.lineIn, this.lineOut)
    this.draw([])
  }

  // draw redraws the chart from the points (oldest first).
  draw(points: RatePoint[]): void {
    const newest = points.length ? points[points.length - 1].t : 0
    const max = niceMax(Math.max(0, ...points.map((p) => Math.max(p.in, p.out))))
    const x = (t: number): number => left + (W - left - right) * (1 - (newest - t) / windowMs)
    const y = (v: number): number => top + (H - top - bottom) * (1 - v / max)
    this.grid.replaceChildren()
    for (const v of [0, max / 2, max]) {
      this.grid.append(svg('line', { x1: String(left), x2: String(W - right), y1: String(y(v)), y2: String(y(v)) }))
      const label = svg('text', { x: String(left - 6), y: String(y(v) + 4), 'text-anchor': 'end' })
      label.textContent = fmt(v)
      this.grid.append(label)
    }
    for (const [text, t] of [['−2 min', newest - windowMs], ['−1 min', newest - windowMs / 2], ['now', newest]] as const) {
      const label = svg('text', { x: String(x(t)), y: String(H - 6), 'text-anchor': t === newest ? 'end' : 'middle' })
      label.textContent = text
      this.grid.append(label)
    }
    const shown = points.filter((p) => newest - p.t <= windowMs)
    this.lineIn.setAttribute('points', shown.map((p) => `${x(p.t).toFixed(1)},${y(p.in).toFixed(1)}`).join(' '))
    this.lineOut.setAttribute('points', shown.map((p) => `${x(p.t).toFixed(1)},${y(p.out).toFixed(1)}`).join(' '))
    const last = points[points.length - 1]
    this.desc.textContent = last
      ? `Now ${fmt(last.in)} messages in and ${fmt(last.out)} out per second; the scale goes up to ${fmt(max)}.`
      : 'No figures yet.'
  }
}

export { fmt as formatRate }
