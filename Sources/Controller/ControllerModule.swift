/// Controller: the background reports controller behind `vigil run` (placeholder).
enum ControllerModule {}
