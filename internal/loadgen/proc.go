package loadgen

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// userHZ is the unit of the CPU times in /proc/PID/stat: USER_HZ, which
// Linux fixes at 100 for user space on every architecture it runs Go on.
const userHZ = 100

// procSample is what /proc says of a process at one moment (Linux).
type procSample struct {
	RSS, HWM int64         // VmRSS and VmHWM (its peak), in KiB
	CPU      time.Duration // user plus system time so far
	At       time.Time
}

// readProc samples process pid's memory and CPU time.
func readProc(pid int) (procSample, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procSample{}, fmt.Errorf("broker: %w", err)
	}
	s, err := parseStatus(status)
	if err != nil {
		return procSample{}, err
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procSample{}, fmt.Errorf("broker: %w", err)
	}
	if s.CPU, err = parseStatCPU(stat); err != nil {
		return procSample{}, err
	}
	s.At = time.Now()
	return s, nil
}

// parseStatus picks VmRSS and VmHWM out of a /proc/PID/status text,
// whose lines read "VmRSS:	    5812 kB".
func parseStatus(b []byte) (procSample, error) {
	var s procSample
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, rest, _ := bytes.Cut(sc.Bytes(), []byte(":"))
		var dst *int64
		switch string(key) {
		case "VmRSS":
			dst = &s.RSS
		case "VmHWM":
			dst = &s.HWM
		default:
			continue
		}
		n, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
		if err != nil {
			return procSample{}, fmt.Errorf("broker: /proc status %s: %w", key, err)
		}
		*dst = n
		found++
	}
	if found < 2 {
		return procSample{}, fmt.Errorf("broker: no VmRSS and VmHWM in /proc status")
	}
	return s, nil
}

// parseStatCPU returns utime + stime from a /proc/PID/stat line: fields
// 14 and 15, counted after the command name, which is in parentheses and
// may itself hold spaces (proc(5)).
func parseStatCPU(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("broker: malformed /proc stat")
	}
	f := bytes.Fields(b[i+1:]) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, fmt.Errorf("broker: short /proc stat")
	}
	var ticks int64
	for _, field := range f[11:13] {
		n, err := strconv.ParseInt(string(field), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("broker: /proc stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// machineBusy returns the CPU time all processors spent since boot
// running tasks (user, nice, system, steal) and serving interrupts (irq,
// softirq), from the first line of /proc/stat (proc(5)); guest time is
// already inside user and nice.
func machineBusy() (tasks, irq time.Duration, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	return parseStatBusy(b)
}

// parseStatBusy reads the busy fields of /proc/stat's "cpu" line.
func parseStatBusy(b []byte) (tasks, irq time.Duration, err error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return 0, 0, fmt.Errorf("malformed /proc/stat")
	}
	var v [8]int64 // user nice system idle iowait irq softirq steal
	for i := range v {
		if v[i], err = strconv.ParseInt(string(f[i+1]), 10, 64); err != nil {
			return 0, 0, fmt.Errorf("/proc/stat: %w", err)
		}
	}
	tick := time.Second / userHZ
	return time.Duration(v[0]+v[1]+v[2]+v[7]) * tick, time.Duration(v[5]+v[6]) * tick, nil
}
