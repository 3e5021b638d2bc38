package broker

// queue is a FIFO of session deliveries: a ring buffer that grows by
// doubling and never shrinks below what it held at its peak, so a
// session that keeps a steady backlog allocates nothing.
type queue struct {
	buf  []qentry
	head int
	n    int
}

func (q *queue) len() int { return q.n }

func (q *queue) push(e qentry) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)%len(q.buf)] = e
	q.n++
}

func (q *queue) pop() qentry {
	e := q.buf[q.head]
	q.buf[q.head] = qentry{}
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return e
}

// filter keeps the entries for which keep returns true, in order.
func (q *queue) filter(keep func(*qentry) bool) {
	var out queue
	for range q.n {
		e := q.pop()
		if keep(&e) {
			out.push(e)
		}
	}
	*q = out
}

func (q *queue) grow() {
	buf := make([]qentry, max(8, 2*len(q.buf)))
	for i := range q.n {
		buf[i] = q.buf[(q.head+i)%len(q.buf)]
	}
	q.buf, q.head = buf, 0
}
