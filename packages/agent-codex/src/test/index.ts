// Test doubles, shipped so users can test their own setup the same way.
export * from "./responses-server.js"
