/** The package version, shown by `autoresearch --version`. */
export const VERSION = "0.1.0"
