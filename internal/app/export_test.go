package app

import (
	"net"

	"github.com/gorilla/websocket"
)

// NewWSConn lets the external tests speak MQTT over a client-side
// WebSocket through the same adapter the server uses.
func NewWSConn(ws *websocket.Conn) net.Conn { return &wsConn{ws: ws} }
