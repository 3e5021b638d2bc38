package api

// PolicyService is the registry's policy operations.
// (placeholder: the certificates engineer fills it in)
type PolicyService interface{}

func (s *Server) policyRoutes() []route { return nil }
