package console

import (
	"github.com/hob-iot/hob/internal/sigv4"
	"net/http"
	"time"
)

// mqttPath is hob's MQTT-over-WebSocket endpoint on the HTTPS listener.
const mqttPath = "/mqtt"

// mqttService is the signing name the AWS Device SDKs presign with.
const mqttService = "iotdevicegateway"

// mqttURLResponse is the answer of POST /console/mqtt-url.
type mqttURLResponse struct {
	URL       string    `json:"url"`
	ClientID  string    `json:"clientId"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// serveMQTTURL presigns wss://HOST/mqtt for the session's key, HOST being
// the host the browser reached the console on, so the browser's MQTT
// client connects to the broker as the signed-in user (spec §5.3).
func (s *Server) serveMQTTURL(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, methodNotAllowed(r))
		return
	}
	sess, apiErr := s.session(w, r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	key, ok := s.cfg.Keys.Key(sess.keyID)
	if !ok {
		writeError(w, errExpired)
		return
	}
	now := s.cfg.Now()
	sr := sigv4.Request{AccessKeyID: key.ID, SecretAccessKey: key.Secret, Region: s.cfg.Region, Service: mqttService,
		Time: now, Host: r.Host, EscapedPath: mqttPath}
	u := "wss://" + r.Host + mqttPath + "?" + sigv4.PresignGET(sr, MQTTURLExpiry)
	writeJSON(w, http.StatusOK, mqttURLResponse{URL: u, ClientID: MQTTClientID, ExpiresAt: now.Add(MQTTURLExpiry).UTC()})
}
