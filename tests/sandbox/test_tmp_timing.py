import socket, threading, time, httpx, uvicorn
from gateway.sandbox import DEMO_TOKEN, Sandbox
from gateway.sandbox.server import create_standalone_app
def run(use_sockets):
    sandbox = Sandbox(":memory:")
    listener = socket.socket(); listener.bind(("127.0.0.1", 0)); port = listener.getsockname()[1]
    if use_sockets:
        config = uvicorn.Config(create_standalone_app(sandbox), log_level="critical", lifespan="on", ws="none")
        kwargs = {"sockets": [listener]}
    else:
        listener.close()
        config = uvicorn.Config(create_standalone_app(sandbox), host="127.0.0.1", port=port, log_level="critical", lifespan="on", ws="none")
        kwargs = {}
    server = uvicorn.Server(config)
    th = threading.Thread(target=server.run, kwargs=kwargs, daemon=True); th.start()
    while not server.started: time.sleep(0.01)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"x-api-token": DEMO_TOKEN}) as http:
        ts=[]
        for i in range(5):
            t=time.perf_counter(); http.get("/api/v1/users/1"); ts.append(round(time.perf_counter()-t,4))
    print(use_sockets, ts)
    server.should_exit=True; th.join()
def test_t():
    run(True); run(False)
