//! A TCP server on loopback for the test servers (`smtp`, `webhook`): it hands each connection
//! to a handler on its own thread, and can be stopped and started again on the same port (a
//! server down for a while).

#![allow(
    clippy::unwrap_used,
    reason = "test support: a broken test server fails the test"
)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// What a server does with one connection.
pub type Handler = Arc<dyn Fn(TcpStream) + Send + Sync>;

/// A running (or stopped) loopback server.
pub struct Loopback {
    addr: SocketAddr,
    handler: Handler,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Loopback {
    /// Starts on a free loopback port.
    pub fn start(handler: Handler) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut me = Self {
            addr: listener.local_addr().unwrap(),
            handler,
            stop: Arc::new(AtomicBool::new(false)),
            acceptor: None,
        };
        me.serve(listener);
        me
    }

    /// Its address (the same across stop and resume).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops listening: connections are refused until [`Loopback::resume`].
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(acceptor) = self.acceptor.take() {
            acceptor.join().unwrap();
        }
    }

    /// Listens again on the same port.
    pub fn resume(&mut self) {
        self.stop.store(false, Ordering::SeqCst);
        self.serve(TcpListener::bind(self.addr).unwrap());
    }

    fn serve(&mut self, listener: TcpListener) {
        listener.set_nonblocking(true).unwrap();
        let (stop, handler) = (Arc::clone(&self.stop), Arc::clone(&self.handler));
        self.acceptor = Some(std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let handler = Arc::clone(&handler);
                        std::thread::spawn(move || {
                            let _ = stream.set_nonblocking(false);
                            handler(stream);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        }));
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.stop();
    }
}
