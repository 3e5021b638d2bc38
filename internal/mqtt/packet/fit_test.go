package packet

import (
	"reflect"
	"testing"
)

func TestFit_Ack_DropsReasonStringFirst(t *testing.T) {
	full := func() *Ack {
		return &Ack{Kind: PUBACK, PacketID: 1, ReasonCode: NotAuthorized, Properties: Properties{
			ReasonString: "denied", UserProperties: []UserProperty{{"k", "v"}}}}
	}
	// 2 header + 2 id + 1 code + 1 length + 9 reason string + 7 user property = 22.
	if got := full().Size(V5); got != 22 {
		t.Fatalf("Size = %d, want 22", got)
	}
	for _, tc := range []struct {
		max  int
		fits bool
		want Properties
	}{
		{0, true, full().Properties},
		{22, true, full().Properties},
		{21, true, Properties{UserProperties: []UserProperty{{"k", "v"}}}},
		{13, true, Properties{UserProperties: []UserProperty{{"k", "v"}}}},
		{12, true, Properties{}},
		{5, true, Properties{}},
		{4, false, Properties{}},
	} {
		p := full()
		if fits := Fit(p, V5, tc.max); fits != tc.fits || !reflect.DeepEqual(p.Properties, tc.want) {
			t.Errorf("max %d: Fit = %v, properties %+v; want %v, %+v", tc.max, fits, p.Properties, tc.fits, tc.want)
		}
		if tc.fits && tc.max > 0 && p.Size(V5) > tc.max {
			t.Errorf("max %d: Size %d after Fit", tc.max, p.Size(V5))
		}
	}
}

func TestFit_Publish_NeverChanged(t *testing.T) {
	p := &Publish{Topic: "t", Payload: []byte("12345"), Properties: Properties{UserProperties: []UserProperty{{"k", "v"}}}}
	want := *p
	if Fit(p, V5, p.Size(V5)-1) || !reflect.DeepEqual(*p, want) {
		t.Errorf("Fit changed or accepted an oversized PUBLISH: %+v", p)
	}
	if !Fit(p, V5, p.Size(V5)) {
		t.Errorf("Fit refused a PUBLISH of exactly the maximum size")
	}
}

func TestFit_Disconnect_V311(t *testing.T) {
	p := &Disconnect{ReasonCode: ServerBusy, Properties: Properties{ReasonString: "busy"}}
	if !Fit(p, V311, 2) || p.Properties.ReasonString != "busy" {
		t.Errorf("a 3.1.1 DISCONNECT has no properties to drop and fits in 2 bytes: %+v", p)
	}
}
