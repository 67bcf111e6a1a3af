package sign

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestTokenFromEnvironment(t *testing.T) {
	t.Setenv("SIGSTORE_ID_TOKEN", "")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", "")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "")
	if _, err := TokenFromEnvironment(context.Background()); err == nil || !strings.Contains(err.Error(), "no OIDC identity token") {
		t.Fatalf("no token anywhere: %v", err)
	}
	t.Setenv("SIGSTORE_ID_TOKEN", " eyJ.direct \n")
	if tok, err := TokenFromEnvironment(context.Background()); err != nil || tok != "eyJ.direct" {
		t.Fatalf("SIGSTORE_ID_TOKEN: %q %v", tok, err)
	}
	t.Setenv("SIGSTORE_ID_TOKEN", "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer request-token" || r.URL.Query().Get("audience") != "sigstore" || r.URL.Query().Get("api-version") != "2.0" {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		w.Write([]byte(`{"value":"eyJ.from-actions"}`))
	}))
	defer srv.Close()
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", srv.URL+"/token?api-version=2.0")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token")
	if tok, err := TokenFromEnvironment(context.Background()); err != nil || tok != "eyJ.from-actions" {
		t.Fatalf("github actions token: %q %v", tok, err)
	}
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "wrong")
	if _, err := TokenFromEnvironment(context.Background()); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("refused token request: %v", err)
	}
}
