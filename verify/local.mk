# verify
