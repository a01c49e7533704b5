/** The version of this Osprey, reported by `--version`, `GET /version` and the server metadata. */
export const OSPREY_VERSION = '0.1.0';
