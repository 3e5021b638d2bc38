package api

// ThingService is the registry's thing, thing-type and tag operations.
// (placeholder: the things engineer fills it in)
type ThingService interface{}

func (s *Server) thingRoutes() []route { return nil }
