// Command elf is the ELF device client: create a thing, send, subscribe and
// clean up, against hob or AWS IoT. It is not written yet (see the elf
// issue); this placeholder says so instead of pretending.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "elf: not implemented yet: the ELF client is planned (create, send, subscribe, clean); use the aws CLI against hob meanwhile")
	os.Exit(1)
}
