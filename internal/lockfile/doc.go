// Package lockfile defines ward's lockfile (mcp-lock.json): what an MCP
// server exposed when its owner approved it, and the checks built on that
// record.
//
// A lock is built from a [Snapshot] of a live server. For every tool, prompt,
// resource and resource template it stores the definition in RFC 8785
// canonical form together with a "sha256:" hash of that form, so that:
//
//   - the run-time pinning middleware can ask [Server.CheckTool] (and its
//     siblings) whether an item of a live list response is locked, unknown
//     or changed, at the cost of one canonicalisation and one hash;
//   - [Server.MatchResource] can decide whether a resources/read URI names a
//     locked resource or matches a locked RFC 6570 template, refusing
//     traversal and scheme smuggling;
//   - [Diff] can explain a change field by field, aware of JSON Schema, and
//     grade it critical, moderate or info;
//   - [Risk] can grade a tool LOW, MEDIUM or HIGH with reasons.
//
// [Marshal] is deterministic: the same lock always gives the same bytes.
// [Parse] is strict: unknown fields, duplicate keys, unsupported versions
// and definitions that do not match their hashes are errors. MCPTrust
// lockfiles (v2 and v3) are recognised and imported by [ImportMCPTrust].
//
// The package does no I/O beyond reading and writing lockfiles.
package lockfile
