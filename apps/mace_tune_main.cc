int main() { return 1; }  // Placeholder, being written.
