package app

import (
	"net/http"

	"github.com/hob-iot/hob/internal/console"
	"github.com/hob-iot/hob/web"
)

// consoleRouter sends the console's requests (console.Handles: /console/...,
// /assets/..., and a browser's GET /) to the console and everything else,
// /mqtt included, to next, so API clients see the API exactly as before.
type consoleRouter struct {
	console http.Handler
	next    http.Handler
}

// ServeHTTP implements http.Handler.
func (h consoleRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if console.Handles(r) {
		h.console.ServeHTTP(w, r)
		return
	}
	h.next.ServeHTTP(w, r)
}

// httpsRoutes is the HTTPS listener's handler: the console, MQTT over
// WebSocket and the API.
func (a *App) httpsRoutes() http.Handler {
	return consoleRouter{console: a.newConsole(), next: httpsHandler{api: a.api, ws: a.ws}}
}

// newConsole builds the web console over the access keys, calling the API
// through its own handler, with the front-end embedded from web/dist. When
// web/dist was not built (only its .gitkeep), the console serves its
// "not built" page at /.
func (a *App) newConsole() *console.Server {
	return console.New(console.Config{Keys: a.keys, API: a.api, Assets: web.Dist, Region: a.cfg.Region,
		MaxBodyBytes: a.cfg.MaxBodySize, Log: a.log})
}

var _ http.Handler = consoleRouter{}
