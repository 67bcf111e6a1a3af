//go:build linux

package proxy

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// releaseStartupPages tells the kernel it may drop the pages of ward's own
// code and read-only data that are in memory now. Package initialisation of
// everything linked into the binary (Sigstore, SQLite, CEL, …) touches most
// of a large executable, and the kernel maps the neighbours of each touched
// page too; a proxy then runs a small part of that code for hours. The pages
// are clean copies of the file, so the ones still used come back from the
// page cache on their next access; nothing is lost. Writable mappings are
// never touched.
func releaseStartupPages() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// address perms offset dev inode path
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[5] != exe || strings.ContainsAny(fields[1], "w") {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		const madvDontNeed = 4
		_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), madvDontNeed)
	}
}
