// Finds libhedge with nothing but the standard library, so that the crate builds offline with an
// empty registry (no pkg-config or cc crate).
//
// Order of precedence:
//   1. LIBHEDGE_LIB_DIR: a directory holding libhedge.so (an in-tree meson build, for tests);
//   2. `pkg-config --libs libhedge` (PKG_CONFIG names another pkg-config; PKG_CONFIG_PATH is
//      inherited, and a libhedge-uninstalled.pc on it wins, as pkg-config always does);
//   3. a plain -lhedge, with a warning, for systems that install the library without its .pc file.
// LIBHEDGE_STATIC=1 links libhedge.a instead, with the private dependencies pkg-config lists.

use std::env;
use std::process::Command;

fn main() {
    for var in ["LIBHEDGE_LIB_DIR", "LIBHEDGE_STATIC", "PKG_CONFIG", "PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR",
                "PKG_CONFIG_SYSROOT_DIR"] {
        println!("cargo:rerun-if-env-changed={}", var);
    }
    let statik = env::var("LIBHEDGE_STATIC").map(|v| v == "1").unwrap_or(false);

    if let Ok(dir) = env::var("LIBHEDGE_LIB_DIR") {
        println!("cargo:rustc-link-search=native={}", dir);
        if statik {
            println!("cargo:rustc-link-lib=static=hedge");
            // What libhedge.a needs and a directory cannot tell: the JSON reader and libm.
            for lib in ["jansson", "m", "pthread"] {
                println!("cargo:rustc-link-lib={}", lib);
            }
        } else {
            println!("cargo:rustc-link-lib=hedge");
        }
        return;
    }

    let pkg_config = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let mut cmd = Command::new(&pkg_config);
    cmd.arg("--libs");
    if statik {
        cmd.arg("--static");
    }
    cmd.arg("libhedge");
    match cmd.output() {
        Ok(out) if out.status.success() => {
            let flags = String::from_utf8_lossy(&out.stdout).into_owned();
            emit_flags(&flags, statik);
        }
        Ok(out) => panic!(
            "`{} --libs libhedge` failed: {}\nInstall libhedge (and its libhedge.pc), set PKG_CONFIG_PATH to \
             the directory of libhedge.pc, or set LIBHEDGE_LIB_DIR to the directory of libhedge.so.",
            pkg_config,
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => {
            println!("cargo:warning=cannot run {} ({}); linking with -lhedge from the default search path", pkg_config, e);
            println!("cargo:rustc-link-lib=hedge");
        }
    }
}

fn emit_flags(flags: &str, statik: bool) {
    for flag in flags.split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={}", dir);
        } else if let Some(lib) = flag.strip_prefix("-l") {
            if statik && lib == "hedge" {
                println!("cargo:rustc-link-lib=static=hedge");
            } else {
                println!("cargo:rustc-link-lib={}", lib);
            }
        } else if flag == "-pthread" {
            println!("cargo:rustc-link-lib=pthread");
        }
        // Other flags (-Wl,..., -I) do not concern rustc's link of this crate.
    }
}
