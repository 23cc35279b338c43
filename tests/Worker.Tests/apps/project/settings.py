GREETING = "hello from project.wsgi"
