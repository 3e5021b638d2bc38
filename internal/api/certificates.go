package api

// CertificateService is the registry's certificate and principal operations.
// (placeholder: the certificates engineer fills it in)
type CertificateService interface{}

func (s *Server) certificateRoutes() []route { return nil }
