//! Step 4: waiting for child processes through the reactor.
//!
//! On Linux each child gets a pidfd, a file descriptor that becomes readable when
//! the process exits; longhand registers it with the poller like a socket. Waiting
//! for three children at once costs no thread and no polling loop.

use std::time::Instant;

use longhand::process::Command;

pub fn run() {
    println!("Step 4. Child processes, awaited through the reactor (pidfd)");
    println!("  Three shells sleep 0.2, 0.1 and 0.15 s, then exit with 3, 0 and 7.");
    println!("  `child.wait()` registers the child's pidfd with epoll, so all three");
    println!("  are awaited at once: about 0.2 s in all, not 0.45 s. Then `output()`");
    println!("  captures what `echo` prints through a non-blocking pipe.");
    println!();

    let start = Instant::now();
    longhand::block_on(async {
        let scripts = [
            "sleep 0.2; exit 3",
            "sleep 0.1; exit 0",
            "sleep 0.15; exit 7",
        ];
        let mut children = Vec::new();
        for script in scripts {
            let child = Command::new("sh").args(["-c", script]).spawn().unwrap();
            children.push((script, child));
        }
        // One task per child; the JoinHandles are awaited in spawn order.
        let waits: Vec<_> = children
            .into_iter()
            .map(|(script, mut child)| {
                longhand::spawn(async move {
                    let status = child.wait().await.unwrap();
                    println!(
                        "  `sh -c '{script}'` exited after {} ms",
                        start.elapsed().as_millis()
                    );
                    (script, status)
                })
            })
            .collect();
        for wait in waits {
            let (script, status) = wait.await.unwrap();
            println!("  `sh -c '{script}'`: exit code {}", status.code().unwrap());
        }
        println!("  all three done in {} ms", start.elapsed().as_millis());

        let out = Command::new("echo")
            .arg("hello from a child")
            .output()
            .await
            .unwrap();
        println!(
            "  `echo hello from a child`: exit code {}, stdout {:?}",
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout)
        );
    });
}
