package app

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/hob-iot/hob/internal/api"
	"github.com/hob-iot/hob/internal/auth"
	"github.com/hob-iot/hob/internal/broker"
	"github.com/hob-iot/hob/internal/iot"
)

// mqttWSPath is where MQTT over WebSocket is served on the HTTPS listener
// (spec §5.3).
const mqttWSPath = "/mqtt"

// mqttSubprotocol is the WebSocket subprotocol MQTT clients must ask for.
const mqttSubprotocol = "mqtt"

// wsServices are the SigV4 signing names AWS accepts on the WebSocket
// endpoint: the Device SDKs sign with iotdevicegateway, some hand-written
// clients with iotdata.
var wsServices = []string{"iotdevicegateway", "iotdata"}

// httpsHandler routes the HTTPS listener: GET /mqtt with Upgrade:
// websocket goes to MQTT over WebSocket, everything else to the api.
type httpsHandler struct {
	api http.Handler
	ws  http.Handler
}

// ServeHTTP implements http.Handler.
func (h httpsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == mqttWSPath && websocket.IsWebSocketUpgrade(r) {
		h.ws.ServeHTTP(w, r)
		return
	}
	h.api.ServeHTTP(w, r)
}

// wsHandler serves MQTT over WebSocket: it verifies the SigV4 presigned
// URL before upgrading (a failure is AWS's 403 error JSON), then hands the
// connection to the broker as broker.TransportWebSocket, carrying the
// access key that signed it and the identity lifecycle events name.
type wsHandler struct {
	authn  *auth.Authenticator
	broker *broker.Server
	// ctx is the server's lifetime; when it is done the broker closes the
	// connection. Run sets it before serving.
	ctx      *context.Context
	upgrader websocket.Upgrader
}

func newWSHandler(authn *auth.Authenticator, b *broker.Server, ctx *context.Context) *wsHandler {
	return &wsHandler{authn: authn, broker: b, ctx: ctx, upgrader: websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		Subprotocols:     []string{mqttSubprotocol},
		// Authentication is the presigned URL, not cookies: any origin
		// may connect, as on AWS.
		CheckOrigin: func(*http.Request) bool { return true },
	}}
}

// ServeHTTP implements http.Handler.
func (h *wsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := h.authn.AuthenticatePresigned(r, wsServices...)
	if err != nil {
		api.WriteError(w, err)
		return
	}
	if !slices.Contains(websocket.Subprotocols(r), mqttSubprotocol) {
		api.WriteError(w, iot.Errorf(iot.InvalidRequestException, "Sec-WebSocket-Protocol: mqtt is required"))
		return
	}
	c, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the client
	}
	ctx := context.Background()
	if h.ctx != nil && *h.ctx != nil {
		ctx = *h.ctx
	}
	nc := &wsConn{ws: c, accessKeyID: id.AccessKeyID, principal: sigV4PrincipalIdentifier(id)}
	h.broker.ServeConn(ctx, nc, broker.TransportWebSocket)
}

// sigV4PrincipalIdentifier names a SigV4 client as AWS's lifecycle
// events do (spec §4.10: "{account}/{uniqueId}:{name}/{uniqueId}:{name}"
// for an IAM identity, where a certificate client has its certificate
// id). hob has no IAM user ids: the access key id stands for the unique
// id and the key's name for the user; the account is the one in
// id.Principal (arn:aws:iam::{account}:user/{name}).
func sigV4PrincipalIdentifier(id auth.Identity) string {
	account := ""
	if parts := strings.SplitN(id.Principal, ":", 6); len(parts) == 6 {
		account = parts[4]
	}
	who := id.AccessKeyID + ":" + id.Name
	return account + "/" + who + "/" + who
}

// wsConn adapts a WebSocket connection to the net.Conn the broker reads
// MQTT from: reads span message boundaries, each Write is one binary
// message, deadlines pass through. It implements broker.SigV4Conn and
// broker.IdentifiedConn.
type wsConn struct {
	ws          *websocket.Conn
	accessKeyID string
	principal   string // the lifecycle events' principalIdentifier

	rmu sync.Mutex
	r   io.Reader // the current message, nil between messages

	wmu sync.Mutex // serializes writes

	dmu sync.Mutex
	wdl time.Time // the write deadline, applied to each Write
}

var (
	_ broker.SigV4Conn      = (*wsConn)(nil)
	_ broker.IdentifiedConn = (*wsConn)(nil)
)

// errTextMessage refuses text frames: MQTT travels in binary messages.
var errTextMessage = errors.New("app: MQTT over WebSocket needs binary messages")

// SigV4AccessKeyID implements broker.SigV4Conn.
func (c *wsConn) SigV4AccessKeyID() string { return c.accessKeyID }

// PrincipalIdentifier implements broker.IdentifiedConn.
func (c *wsConn) PrincipalIdentifier() string { return c.principal }

// Read implements net.Conn.
func (c *wsConn) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for {
		if c.r == nil {
			typ, r, err := c.ws.NextReader()
			if err != nil {
				return 0, err
			}
			if typ != websocket.BinaryMessage {
				return 0, errTextMessage
			}
			c.r = r
		}
		n, err := c.r.Read(p)
		if errors.Is(err, io.EOF) {
			c.r = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

// Write implements net.Conn.
func (c *wsConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.dmu.Lock()
	wdl := c.wdl
	c.dmu.Unlock()
	// websocket.Conn keeps its write deadline in a plain field: set it
	// only here, under wmu.
	if err := c.ws.SetWriteDeadline(wdl); err != nil {
		return 0, err
	}
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close implements net.Conn: it tries to send a close frame, then closes
// the socket.
func (c *wsConn) Close() error {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
		time.Now().Add(time.Second))
	return c.ws.Close()
}

func (c *wsConn) LocalAddr() net.Addr               { return c.ws.LocalAddr() }
func (c *wsConn) RemoteAddr() net.Addr              { return c.ws.RemoteAddr() }
func (c *wsConn) SetReadDeadline(t time.Time) error { return c.ws.SetReadDeadline(t) }

// SetWriteDeadline implements net.Conn. It may run concurrently with
// Write: the next Write applies it, and the socket gets it at once, which
// unblocks a Write in progress.
func (c *wsConn) SetWriteDeadline(t time.Time) error {
	c.dmu.Lock()
	c.wdl = t
	c.dmu.Unlock()
	return c.ws.NetConn().SetWriteDeadline(t)
}

func (c *wsConn) SetDeadline(t time.Time) error {
	return errors.Join(c.SetReadDeadline(t), c.SetWriteDeadline(t))
}
