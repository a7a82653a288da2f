// Command etcd is the etcd server, built from the published go.etcd.io/etcd/server/v3 module.
// It is equivalent to the upstream etcd binary's main (server/main.go), which only calls etcdmain.Main.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
