// Command etcd is the etcd server, built from its importable entry point go.etcd.io/etcd/server/v3/etcdmain
// (the repository's own main lives in a module whose replace directives point at its work tree).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
