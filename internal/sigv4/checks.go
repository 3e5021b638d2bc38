package sigv4

import (
	"fmt"
	"slices"
	"time"
)

// checkScope checks what the credential scope and signed headers must say
// before any secret is involved: host is signed, the service is one the
// caller serves, and the scope date is the request's date (spec §5.2).
func checkScope(s signed, services []string) error {
	if !slices.Contains(s.auth.Headers, "host") {
		return fail(ErrMalformed, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	sc := s.auth.Credential
	if len(services) > 0 && !slices.Contains(services, sc.Service) {
		// AWS's wording, trailing space included.
		return fail(ErrWrongService, "Credential should be scoped to correct service: '"+services[0]+"'. ")
	}
	if day := s.amzDate[:len(scopeDateLayout)]; sc.Date != day {
		return fail(ErrScopeDate, fmt.Sprintf(
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			sc.Date, day, s.amzDate))
	}
	return nil
}

// checkTime applies the date window: for a presigned request with
// X-Amz-Expires, from X-Amz-Date (less the skew) to X-Amz-Date plus
// Expires; otherwise X-Amz-Date within ±MaxSkew of now (spec §5.2, §5.3).
// Messages follow AWS's "Signature expired" text, which clients recognise
// as clock skew.
func (v *Verifier) checkTime(s signed) error {
	now := v.now().UTC()
	if s.date.After(now.Add(v.skew)) {
		return fail(ErrExpired, fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %s.)",
			s.amzDate, fmtDate(now.Add(v.skew)), fmtDate(now), fmtSpan(v.skew)))
	}
	window := v.skew
	if s.hasExpires {
		window = s.expires
	}
	if s.date.Before(now.Add(-window)) {
		return fail(ErrExpired, fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s.)",
			s.amzDate, fmtDate(now.Add(-window)), fmtDate(now), fmtSpan(window)))
	}
	return nil
}

func fmtDate(t time.Time) string { return t.Format(amzDateLayout) }

// fmtSpan prints a window as AWS does ("15 min"), in seconds when it is
// not a whole number of minutes.
func fmtSpan(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return fmt.Sprintf("%d sec", d/time.Second)
}
