package console

import (
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
	sg := signing{cred: credential{key.ID, key.Secret}, region: s.cfg.Region, service: mqttService, now: now,
		host: r.Host, escapedPath: mqttPath}
	u := "wss://" + r.Host + mqttPath + "?" + presignQuery(sg, MQTTURLExpiry)
	writeJSON(w, http.StatusOK, mqttURLResponse{URL: u, ClientID: MQTTClientID, ExpiresAt: now.Add(MQTTURLExpiry).UTC()})
}
