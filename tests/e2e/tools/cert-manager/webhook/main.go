// Command cert-manager-webhook is cert-manager v1.21.2's admission webhook (defaulting + validation
// of cert-manager.io / acme.cert-manager.io resources, and the CertificateRequest identity and
// approval checks) for the e2e suite, served over HTTPS on a loopback port from a given cert/key.
//
// Why our own main: the upstream main lives in the separate module
// github.com/cert-manager/cert-manager/webhook-binary, which the Go module proxy does not serve.
// Its cmd/webhook/app builds the server with internal/webhook.NewCertManagerWebhookServer, which
// only packages under github.com/cert-manager/cert-manager/ may import, hence this module's name.
// We use that constructor, upstream's flags (pkg/webhook/options) and its config validation
// unchanged. What differs is the listener: upstream's pkg/webhook/server.Server.Run binds
// ":<port>" (all interfaces) and a healthz port on all interfaces and starts a metrics server on
// 0.0.0.0:9402; serve() below is that Run with the listeners bound to --bind-address (default
// 127.0.0.1), healthz off unless --healthz-port > 0, and no metrics/pprof.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	ciphers "k8s.io/component-base/cli/flag"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/cert-manager/cert-manager/internal/apis/config/webhook/validation"
	cmwebhook "github.com/cert-manager/cert-manager/internal/webhook"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	"github.com/cert-manager/cert-manager/pkg/util"
	utilfeature "github.com/cert-manager/cert-manager/pkg/util/feature"
	cmadmission "github.com/cert-manager/cert-manager/pkg/webhook/admission"
	"github.com/cert-manager/cert-manager/pkg/webhook/options"
	"github.com/cert-manager/cert-manager/pkg/webhook/server"
)

func main() {
	logf.InitLogs()
	ctrl.SetLogger(logf.Log)
	// As upstream's internal/cmd/util.SetupExitHandler(GracefulShutdown): the first SIGTERM/SIGINT
	// cancels the context (graceful shutdown, exit 0), a second one exits 130 at once.
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		s := <-sig
		logf.Log.Info("received signal, shutting down", "signal", s.String())
		cancel()
		<-sig
		os.Exit(130)
	}()
	ctx = logf.NewContext(ctx, logf.Log, "webhook")

	err := run(ctx, os.Args[1:])
	if err != nil {
		logf.Log.Error(err, "error running cert-manager-webhook")
	}
	logf.FlushLogs()
	if err != nil {
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	cfg, err := options.NewWebhookConfiguration() // upstream's defaults
	if err != nil {
		return err
	}
	cfg.HealthzPort = 0 // upstream 6080 on all interfaces; here 0 = off
	bindAddress := "127.0.0.1"

	fs := pflag.NewFlagSet("cert-manager-webhook", pflag.ContinueOnError)
	// All of upstream's flags: --secure-port, --tls-cert-file, --tls-private-key-file, --kubeconfig,
	// --healthz-port, --tls-min-version, --feature-gates, -v ... (the metrics and dynamic-serving
	// ones are accepted but metrics are never served here).
	options.AddConfigFlags(fs, cfg)
	fs.StringVar(&bindAddress, "bind-address", bindAddress, "IP address the HTTPS (and healthz) listeners bind to.")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil // usage already printed
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if net.ParseIP(bindAddress) == nil {
		return fmt.Errorf("--bind-address %q is not an IP address", bindAddress)
	}
	// As upstream's cmd/webhook/app PreRunE.
	if err := utilfeature.DefaultMutableFeatureGate.SetFromMap(cfg.FeatureGates); err != nil {
		return fmt.Errorf("failed to set feature gates: %w", err)
	}
	if errs := validation.ValidateWebhookConfiguration(cfg, nil); len(errs) > 0 {
		return fmt.Errorf("error validating flags: %w", errs.ToAggregate())
	}
	if err := logf.ValidateAndApply(&cfg.Logging); err != nil {
		return fmt.Errorf("failed to validate webhook logging flags: %w", err)
	}
	if cfg.SecurePort == 0 {
		return fmt.Errorf("--secure-port must be set")
	}
	if !cfg.TLSConfig.FilesystemConfigProvided() && !cfg.TLSConfig.DynamicConfigProvided() {
		return fmt.Errorf("--tls-cert-file and --tls-private-key-file must be set")
	}

	log := logf.FromContext(ctx, "webhook")
	v := util.VersionInfo() // AppVersion is stamped with -ldflags -X (see NOTES.md)
	log.Info("starting cert-manager webhook", "version", v.GitVersion, "go_version", v.GoVersion, "platform", v.Platform)
	// Upstream's constructor: Kubernetes client (for SubjectAccessReviews), the admission chain
	// (CertificateRequest identity + approval, resource validation/defaulting), the cert-manager
	// scheme, the certificate source from --tls-cert-file/--tls-private-key-file.
	srv, err := cmwebhook.NewCertManagerWebhookServer(log, *cfg)
	if err != nil {
		return err
	}
	return serve(logf.NewContext(ctx, log), srv, bindAddress)
}

// serve is pkg/webhook/server.Server.Run (v1.21.2) with the listeners on bindAddress, the optional
// healthz server only when HealthzAddr > 0 and without the metrics, pprof and client-verification
// parts (none of which the e2e suite uses).
func serve(ctx context.Context, s *server.Server, bindAddress string) error {
	if s.CertificateSource == nil {
		return fmt.Errorf("no CertificateSource specified")
	}
	log := logf.FromContext(ctx)
	cipherSuites, err := ciphers.TLSCipherSuites(s.CipherSuites)
	if err != nil {
		return err
	}
	minVersion, err := ciphers.TLSVersion(s.MinTLSVersion)
	if err != nil {
		return err
	}

	mgr, err := ctrl.NewManager(
		&rest.Config{}, // as upstream: controller-runtime does not talk to the API server here
		ctrl.Options{
			Scheme:         s.ResourceScheme,
			Logger:         log,
			LeaderElection: false,
			Metrics:        metricsserver.Options{BindAddress: "0"}, // "0" disables the metrics server
			WebhookServer: webhook.NewServer(webhook.Options{
				Host: bindAddress,
				Port: s.ListenAddr,
				TLSOpts: []func(*tls.Config){func(cfg *tls.Config) {
					cfg.CipherSuites = cipherSuites
					cfg.MinVersion = minVersion
					cfg.GetCertificate = s.CertificateSource.GetCertificate
				}},
			}),
		})
	if err != nil {
		return fmt.Errorf("error creating manager: %v", err)
	}
	// The FileCertificateSource is a Runnable: it loads the files and reloads them when they change.
	if err := mgr.Add(s.CertificateSource); err != nil {
		return err
	}

	if s.HealthzAddr != nil && *s.HealthzAddr > 0 {
		addr := net.JoinHostPort(bindAddress, strconv.Itoa(*s.HealthzAddr))
		lc := net.ListenConfig{}
		ln, err := lc.Listen(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
			if !s.CertificateSource.Healthy() { // as upstream's handleHealthz
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		mux.HandleFunc("/livez", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
		hs := &http.Server{Handler: mux, ReadHeaderTimeout: 32 * time.Second}
		log.Info("listening for insecure healthz connections", "address", addr)
		if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
			go func() {
				<-ctx.Done()
				shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = hs.Shutdown(shutdownCtx) //nolint:contextcheck
			}()
			if err := hs.Serve(ln); err != http.ErrServerClosed {
				return err
			}
			return nil
		})); err != nil {
			return err
		}
	}

	mgr.GetWebhookServer().Register("/mutate", cmadmission.NewCustomMutationWebhook(s.MutationWebhook))
	mgr.GetWebhookServer().Register("/validate", cmadmission.NewCustomValidationWebhook(mgr.GetScheme(), s.ValidationWebhook))
	log.Info("serving the cert-manager webhook", "address", net.JoinHostPort(bindAddress, strconv.Itoa(s.ListenAddr)))
	return mgr.Start(ctx)
}
