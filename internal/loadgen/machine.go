package loadgen

import (
	"os"
	"runtime"
	"strings"
	"time"
)

// machineSample is the machine's and this process's CPU time at one
// moment; zero where /proc cannot be read.
type machineSample struct {
	tasks, irq, self time.Duration
	at               time.Time
}

// sampleMachine reads /proc/stat and /proc/self/stat.
func sampleMachine() machineSample {
	s := machineSample{at: time.Now()}
	s.tasks, s.irq, _ = machineBusy()
	if b, err := os.ReadFile("/proc/self/stat"); err == nil {
		s.self, _ = parseStatCPU(b)
	}
	return s
}

// newMachine describes the machine at the start of a run.
func newMachine() Machine {
	return Machine{CPUs: runtime.NumCPU(), LoadAvg: loadAvg()}
}

// settle fills the CPU shares of the load phase, from samples taken when
// it began and when it ended; broker is the broker's CPU time over the
// same span, if known (else negative).
func (m *Machine) settle(from, to machineSample, broker time.Duration) {
	wall := to.at.Sub(from.at)
	if wall <= 0 || from.tasks == 0 {
		return
	}
	pct := func(d time.Duration) float64 { return 100 * float64(d) / float64(wall) }
	tasks, self := to.tasks-from.tasks, to.self-from.self
	m.BusyPercent = pct(tasks + to.irq - from.irq)
	m.IRQPercent = pct(to.irq - from.irq)
	m.BenchPercent = pct(self)
	if broker >= 0 {
		other := max(0, pct(tasks-self-broker))
		m.OtherPercent = &other
	}
}

// loadAvg returns the first three fields of /proc/loadavg, or "".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}
