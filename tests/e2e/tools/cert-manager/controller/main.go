// Command cert-manager-controller is a cut-down cert-manager v1.21.2 controller for the e2e suite:
// the real certificates/certificaterequests/issuers controllers and the ca + selfSigned issuer
// backends, run against a loopback kube-apiserver from a kubeconfig.
//
// Why our own main: the upstream main lives in the separate module
// github.com/cert-manager/cert-manager/controller-binary, which the Go module proxy does not serve.
// This file follows its cmd/controller/app/controller.go (v1.21.x) step by step, minus what the
// e2e suite must not have: no leader election, no metrics server (upstream's
// --metrics-listen-address=0), no profiler, no ACME/Vault/Venafi/ingress-shim/gateway controllers.
// Only public packages are used: upstream's defaulted configuration lives in
// internal/apis/config/controller/v1alpha1, which imports every controller (Venafi's vcert module
// among them, which the proxy does not serve), so the defaults that matter are repeated below.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/sync/errgroup"
	logsapi "k8s.io/component-base/logs/api/v1"

	controllerpkg "github.com/cert-manager/cert-manager/pkg/controller"
	"github.com/cert-manager/cert-manager/pkg/healthz"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	"github.com/cert-manager/cert-manager/pkg/util"

	// Each controller package registers its constructor in controllerpkg.Known() from init().
	"github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	crca "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	crselfsigned "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	"github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	"github.com/cert-manager/cert-manager/pkg/controller/issuers"

	// The issuer backends the (Cluster)Issuer and CertificateRequest controllers look up; they
	// register from init(). Without them a `ca:`/`selfSigned:` issuer never becomes Ready.
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

// Upstream's defaults (internal/apis/config/controller/v1alpha1/defaults.go, v1.21.2), except
// the cluster resource namespace (upstream kube-system; the Helm chart passes its namespace).
const (
	defaultClusterResourceNamespace        = "cert-manager"
	defaultKubernetesAPIQPS                = 20
	defaultKubernetesAPIBurst              = 50
	defaultNumberOfConcurrentWorkers       = 5
	defaultMaxConcurrentChallenges         = 60
	defaultCRMinimumBackoffDuration        = 1 * time.Hour
	defaultCRMaximumBackoffDuration        = 32 * time.Hour
	defaultHealthzLeaderElectionTimeout    = 20 * time.Second
	defaultClusterIssuerAmbientCredentials = true
)

// The controllers we run, by their registered names (upstream's --controllers list).
var enabledControllers = []string{
	trigger.ControllerName,         // certificates-trigger
	issuing.ControllerName,         // certificates-issuing
	keymanager.ControllerName,      // certificates-key-manager
	requestmanager.ControllerName,  // certificates-request-manager
	readiness.ControllerName,       // certificates-readiness
	revisionmanager.ControllerName, // certificates-revision-manager
	approver.ControllerName,        // certificaterequests-approver
	crca.CRControllerName,          // certificaterequests-issuer-ca
	crselfsigned.CRControllerName,  // certificaterequests-issuer-selfsigned
	issuers.ControllerName,         // issuers
	clusterissuers.ControllerName,  // clusterissuers
}

func main() {
	logf.InitLogs()
	// As upstream's internal/cmd/util.SetupExitHandler(GracefulShutdown): the first SIGTERM/SIGINT
	// cancels the context (the control loops drain, exit 0), a second one exits 130 at once.
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
	ctx = logf.NewContext(ctx, logf.Log, "controller")

	err := run(ctx, os.Args[1:])
	if err != nil {
		logf.Log.Error(err, "error running cert-manager-controller")
	}
	logf.FlushLogs()
	if err != nil {
		os.Exit(1)
	}
}

func run(rootCtx context.Context, args []string) error {
	var (
		kubeconfig, namespace, healthzAddress string
		clusterResourceNamespace                      = defaultClusterResourceNamespace
		qps                                   float32 = defaultKubernetesAPIQPS
		burst                                         = defaultKubernetesAPIBurst
		workers                                       = defaultNumberOfConcurrentWorkers
		logging                                       = logsapi.NewLoggingConfiguration()
	)
	fs := pflag.NewFlagSet("cert-manager-controller", pflag.ContinueOnError)
	fs.StringVar(&kubeconfig, "kubeconfig", "", "Path to a kubeconfig (required outside a cluster).")
	fs.StringVar(&clusterResourceNamespace, "cluster-resource-namespace", clusterResourceNamespace,
		"Namespace holding the Secrets that ClusterIssuers refer to.")
	fs.StringVar(&namespace, "namespace", "", "If set, watch only this namespace (and do not run the clusterissuers controller).")
	// Upstream always listens on 0.0.0.0:9403 (and 0.0.0.0:9402 for metrics); here off unless asked.
	fs.StringVar(&healthzAddress, "healthz-listen-address", "",
		"host:port for the /livez endpoint (e.g. 127.0.0.1:9403); empty disables it.")
	fs.Float32Var(&qps, "kube-api-qps", qps, "Client QPS towards the API server (only used when it lacks API Priority and Fairness).")
	fs.IntVar(&burst, "kube-api-burst", burst, "Client burst towards the API server (idem).")
	fs.IntVar(&workers, "concurrent-workers", workers, "Workers per controller.")
	logf.AddFlags(logging, fs) // -v, --logging-format, ...
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil // usage already printed
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if err := logf.ValidateAndApply(logging); err != nil {
		return err
	}
	enabled := enabledControllers
	if namespace != "" {
		// As upstream: ClusterIssuers are not supported when scoped to one namespace.
		enabled = nil
		for _, n := range enabledControllers {
			if n != clusterissuers.ControllerName {
				enabled = append(enabled, n)
			}
		}
	}

	rootCtx, cancel := context.WithCancel(rootCtx)
	defer cancel()
	log := logf.FromContext(rootCtx)
	v := util.VersionInfo() // AppVersion is stamped with -ldflags -X (see NOTES.md)
	log.Info("starting cert-manager controller", "version", v.GitVersion, "go_version", v.GoVersion, "platform", v.Platform)
	g, rootCtx := errgroup.WithContext(rootCtx)

	ctxFactory, err := controllerpkg.NewContextFactory(rootCtx, controllerpkg.ContextOptions{
		Kubeconfig:         kubeconfig,
		KubernetesAPIQPS:   qps,
		KubernetesAPIBurst: burst,
		Namespace:          namespace,
		IssuerOptions: controllerpkg.IssuerOptions{
			ClusterResourceNamespace:        clusterResourceNamespace,
			ClusterIssuerAmbientCredentials: defaultClusterIssuerAmbientCredentials,
		},
		CertificateOptions: controllerpkg.CertificateOptions{
			// Zero would mean "retry a failed issuance at once, forever".
			CertificateRequestMinimumBackoffDuration: defaultCRMinimumBackoffDuration,
			CertificateRequestMaximumBackoffDuration: defaultCRMaximumBackoffDuration,
			// Upstream's default: a Certificate's annotations reach its CertificateRequests, but not
			// those of kubectl and the GitOps tools.
			CopiedAnnotationPrefixes: []string{"*", "-kubectl.kubernetes.io/", "-fluxcd.io/", "-argocd.argoproj.io/"},
		},
		SchedulerOptions: controllerpkg.SchedulerOptions{MaxConcurrentChallenges: defaultMaxConcurrentChallenges},
	})
	if err != nil {
		return err
	}
	// The base Context: its shared informer factories are the ones every controller's Context shares.
	cmctx, err := ctxFactory.Build()
	if err != nil {
		return err
	}

	if healthzAddress != "" {
		lc := net.ListenConfig{}
		ln, err := lc.Listen(rootCtx, "tcp", healthzAddress)
		if err != nil {
			return fmt.Errorf("failed to listen on healthz address %s: %w", healthzAddress, err)
		}
		srv := healthz.NewServer(defaultHealthzLeaderElectionTimeout) // no elector: its check passes
		log.Info("starting healthz server", "address", ln.Addr().String())
		g.Go(func() error { return srv.Start(rootCtx, ln) })
	}

	known := controllerpkg.Known()
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	sort.Strings(names)
	log.Info("starting controllers", "registered", names, "enabled", enabled, "clusterResourceNamespace", clusterResourceNamespace)
	for _, n := range enabled {
		fn, ok := known[n]
		if !ok {
			cancel()
			return errors.Join(fmt.Errorf("controller %q is not registered (package not imported?)", n), g.Wait())
		}
		iface, err := fn(ctxFactory)
		if err != nil {
			cancel()
			return errors.Join(fmt.Errorf("error constructing controller %s: %w", n, err), g.Wait())
		}
		g.Go(func() error {
			log.V(logf.DebugLevel).Info("starting controller", "controller", n)
			return iface.Run(workers, rootCtx)
		})
	}

	// Only after every constructor has asked for its informers: a factory starts only those.
	cmctx.SharedInformerFactory.Start(rootCtx.Done())
	cmctx.KubeSharedInformerFactory.Start(rootCtx.Done())
	cmctx.HTTP01ResourceMetadataInformersFactory.Start(rootCtx.Done())

	err = g.Wait()
	log.Info("control loops exited")
	cmctx.HTTP01ResourceMetadataInformersFactory.Shutdown()
	cmctx.KubeSharedInformerFactory.Shutdown()
	cmctx.SharedInformerFactory.Shutdown()
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("error running controllers: %w", err)
	}
	return nil
}
