package broker

import (
	"testing"
	"time"
)

func fullOutbox(t *testing.T) *outbox {
	t.Helper()
	o := newOutbox(2, 8)
	for range 2 {
		if r := o.push(outItem{kind: outPublish}, true); r != pushed {
			t.Fatalf("push = %v, want pushed", r)
		}
	}
	return &o
}

func TestOutbox_PushWait_WaitsForTake(t *testing.T) {
	o := fullOutbox(t)
	done := make(chan pushResult)
	go func() { done <- o.pushWait(outItem{kind: outPublish}, 10*time.Second) }()
	select {
	case r := <-done:
		t.Fatalf("pushWait returned %v on a full outbox before any take", r)
	case <-time.After(20 * time.Millisecond):
	}
	o.take(nil)
	if r := <-done; r != pushed {
		t.Fatalf("pushWait = %v after a take, want pushed", r)
	}
}

func TestOutbox_PushWait_StallsThenDropsAtOnce(t *testing.T) {
	o := fullOutbox(t)
	start := time.Now()
	if r := o.pushWait(outItem{kind: outPublish}, 20*time.Millisecond); r != dropped {
		t.Fatalf("pushWait = %v, want dropped", r)
	}
	if el := time.Since(start); el < 20*time.Millisecond {
		t.Errorf("pushWait dropped after %v, before its bound", el)
	}
	start = time.Now()
	for range 100 { // stalled: no more waiting until the writer takes
		if r := o.pushWait(outItem{kind: outPublish}, time.Second); r != dropped {
			t.Fatalf("pushWait = %v on a stalled outbox, want dropped", r)
		}
	}
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("a stalled outbox made publishers wait %v", el)
	}
	o.take(nil)
	if r := o.pushWait(outItem{kind: outPublish}, time.Second); r != pushed {
		t.Fatalf("pushWait = %v after a take, want pushed", r)
	}
}

func TestOutbox_PushWait_CloseWakes(t *testing.T) {
	o := fullOutbox(t)
	done := make(chan pushResult)
	go func() { done <- o.pushWait(outItem{kind: outPublish}, 10*time.Second) }()
	time.Sleep(10 * time.Millisecond)
	o.close()
	select {
	case r := <-done:
		if r != closed {
			t.Fatalf("pushWait = %v after close, want closed", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("close did not wake a publisher waiting for room")
	}
}

func TestOutbox_PushWait_NoAllocs(t *testing.T) {
	o := newOutbox(1024, 2048)
	buf := make([]outItem, 0, 1024)
	n := testing.AllocsPerRun(100, func() {
		for range 512 {
			o.pushWait(outItem{kind: outPublish}, time.Millisecond)
		}
		buf, _ = o.take(buf)
	})
	if n != 0 {
		t.Errorf("pushWait with room allocates %v times per run", n)
	}
}
